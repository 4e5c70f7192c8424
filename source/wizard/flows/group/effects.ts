import {saveWithoutOverwriting, toFailure} from '../../shared/dps-calls.js';
import type {EffectContext} from '../../shared/services.js';
import type {GroupEffect, GroupOutcome, PreflightReport} from './state.js';

/** Runs the group flow's own effects: saving the group, and the device pre-flight. */
export async function runGroupEffect(
  effect: Extract<GroupEffect, {kind: 'save-group' | 'check-group-device'}>,
  context: EffectContext,
): Promise<GroupOutcome> {
  switch (effect.kind) {
    case 'save-group': {
      const {group} = effect;
      return saveWithoutOverwriting(
        context,
        group,
        (gateway, options) => gateway.getEnrollmentGroup(group.enrollmentGroupId, options),
        (gateway, options) => gateway.createOrUpdateEnrollmentGroup(group, options),
      );
    }
    case 'check-group-device':
      try {
        return {kind: 'preflight', report: await checkGroupDevice(effect)};
      } catch (error) {
        const message = `the certificates could not be checked: ${toFailure(error).message}`;
        const failed: PreflightReport = {
          registrationId: undefined,
          anchor: undefined,
          links: [],
          findings: [{severity: 'error', code: 'chain-unreadable', message}],
        };
        return {kind: 'preflight', report: failed};
      }
  }
}

/**
 * The pre-flight of one device of the group: does its chain reach the group's certificate (the primary or,
 * failing that, the secondary), and is its CN a valid registration ID. The certificate toolkit loads here,
 * on first use.
 */
export async function checkGroupDevice(
  task: Extract<GroupEffect, {kind: 'check-group-device'}>,
): Promise<PreflightReport> {
  const {X509Certificate} = await import('node:crypto');
  const {checkChain, checkRegistrationId} = await import('../../../certs/check.js');
  const {commonNameOf} = await import('../../../certs/inspect.js');
  const leaf = new X509Certificate(task.leafPem);
  const chain = task.chainPems.map((pem) => new X509Certificate(pem));
  const anchors = task.anchorPems.map((pem) => new X509Certificate(pem));
  const attempts = (anchors.length > 0 ? anchors : [undefined]).map((anchor) => ({
    anchor,
    checked: checkChain(leaf, chain, anchor ? {trustAnchor: anchor} : {}),
  }));
  const passed = attempts.find(
    (attempt) => !attempt.checked.findings.some((finding) => finding.severity === 'error'),
  );
  const {anchor, checked} = passed ?? attempts[0]!;
  const registrationId = commonNameOf(leaf.subject);
  return {
    registrationId,
    anchor: anchor ? nameOf(anchor.subject, commonNameOf) : undefined,
    links: checked.links.map((link) => ({
      subject: nameOf(link.subject, commonNameOf),
      signedBy: link.signedBy === undefined ? undefined : nameOf(link.signedBy, commonNameOf),
      ok: link.ok,
    })),
    findings: [
      ...checked.findings,
      ...(registrationId === undefined
        ? [
            {
              severity: 'error' as const,
              code: 'registration-id-empty',
              message:
                'the certificate has no CN: a device registers with its CN as registration ID',
              hint: 'issue the device certificate with CN = the device name',
            },
          ]
        : checkRegistrationId(registrationId)),
    ],
  };
}

const nameOf = (subject: string, commonNameOf: (name: string) => string | undefined) =>
  commonNameOf(subject) ?? subject.replace(/\n/g, ', ');
