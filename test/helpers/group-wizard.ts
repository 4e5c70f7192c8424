import type {EnrollmentGroup} from '../../source/dps/types.js';
import {burst, keys, press, waitForFrame, type Instance} from './ink.js';
import {forward, withGateway, type WizardSandbox} from './wizard.js';

/** From the home screen to the group enrollment's name step. */
export async function startGroup(app: Instance) {
  await press(app, keys.down);
  await waitForFrame(app, '❯ Group enrollment');
  await press(app, keys.enter);
  await waitForFrame(app, 'The enrollment group');
}

/** Types the group name and moves on to the attestation choice. */
export async function nameGroup(app: Instance, name: string) {
  await burst(app, name, keys.enter);
  await waitForFrame(app, 'How the devices of this group prove who they are');
}

/** From the attestation choice to the group's own CA certificate read from `file`: the screen once it is ready. */
export async function uploadGroupCa(app: Instance, file: string) {
  await press(app, keys.down);
  await waitForFrame(app, '❯ A CA certificate uploaded into this group');
  await forward(app, "The group's CA certificate");
  await burst(app, file, keys.enter);
  return waitForFrame(app, 'Ready: press Enter');
}

/**
 * From the IoT Edge step to the review: edge yes, all linked hubs, evenly weighted, the twin as `twinJson`
 * (JSON mode) when given, the advanced settings kept.
 */
export async function acceptGroupSettingsToReview(app: Instance, twinJson?: string) {
  await waitForFrame(app, 'Is every device of this group an IoT Edge device?');
  await forward(app, 'IoT hubs every device of this group can be assigned to');
  await forward(app, 'How DPS chooses the hub');
  await forward(app, 'Initial device twin');
  if (twinJson) {
    await press(app, keys.tab);
    await burst(app, twinJson, keys.enter);
  } else {
    await press(app, keys.enter, keys.enter); // tags, desired properties
  }
  await waitForFrame(app, 'Advanced settings');
  await forward(app, 'Review');
}

/** The group as DPS has it now. */
export function readGroup(sandbox: WizardSandbox, id: string): Promise<EnrollmentGroup> {
  return withGateway(sandbox, (gateway) => gateway.getEnrollmentGroup(id));
}
