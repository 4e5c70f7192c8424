import {saveWithoutOverwriting} from '../../shared/dps-calls.js';
import type {EffectContext} from '../../shared/services.js';
import type {IndividualEffect, IndividualOutcome} from './state.js';

/** Runs the individual flow's own effect: saving the enrollment. */
export async function runIndividualEffect(
  effect: Extract<IndividualEffect, {kind: 'save-individual'}>,
  context: EffectContext,
): Promise<IndividualOutcome> {
  const {enrollment} = effect;
  return saveWithoutOverwriting(
    context,
    enrollment,
    (gateway, options) => gateway.getIndividualEnrollment(enrollment.registrationId, options),
    (gateway, options) => gateway.createOrUpdateIndividualEnrollment(enrollment, options),
  );
}
