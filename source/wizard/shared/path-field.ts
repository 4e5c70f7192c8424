import type {SharedEffect, SharedOutcome} from './effect.js';
import {draftOf, emptyDraft} from './text-draft.js';
import type {CertificateField, PathField} from './types.js';

export const emptyPathField: PathField = {path: emptyDraft, candidates: [], moreCandidates: 0};

/** How a flow reaches one of its path fields; `certificate` when the field reads a certificate. */
export type PathFieldLens<F> =
  | {get: (flow: F) => PathField; set: (flow: F, field: PathField) => F}
  | {
      certificate: true;
      get: (flow: F) => CertificateField;
      set: (flow: F, field: CertificateField) => F;
    };

export const pathLens = <F>(
  get: (flow: F) => PathField,
  set: (flow: F, field: PathField) => F,
): PathFieldLens<F> => ({get, set});

export const certificateLens = <F>(
  get: (flow: F) => CertificateField,
  set: (flow: F, field: CertificateField) => F,
): PathFieldLens<F> => ({certificate: true, get, set});

/** Every path field of a flow by its name: Tab completion and certificate reads address them so. */
export type PathFieldLenses<F, K extends string> = Record<K, PathFieldLens<F>>;

/**
 * The outcome of a certificate read or a Tab completion, in the field it was asked for; undefined for
 * other outcomes. A read lands only while the field still waits for it, a completion only while the path
 * is still the one completed; a certificate field whose path the completion changed forgets what it read.
 */
export function pathFieldResult<F, K extends string>(
  lenses: PathFieldLenses<F, K>,
  flow: F,
  effect: SharedEffect<K>,
  outcome: SharedOutcome,
): F | undefined {
  if (effect.kind === 'read-certificate') {
    const lens = lenses[effect.field];
    if (!('certificate' in lens)) return undefined;
    if (outcome.kind !== 'certificate-read' && outcome.kind !== 'certificate-failed')
      return undefined;
    const field = lens.get(flow);
    if (field.status.state !== 'reading') return flow;
    return lens.set(flow, {
      ...field,
      status:
        outcome.kind === 'certificate-read'
          ? {state: 'loaded', certificate: outcome.certificate, warningsAccepted: false}
          : {state: 'failed', message: outcome.message},
    });
  }
  if (effect.kind === 'complete-path' && outcome.kind === 'path-completed') {
    const lens = lenses[effect.field];
    const field = lens.get(flow);
    if (field.path.value !== effect.text) return flow;
    const completed: PathField = {
      path: draftOf(outcome.value),
      candidates: outcome.candidates,
      moreCandidates: Math.max(0, outcome.matches - outcome.candidates.length),
    };
    if (!('certificate' in lens)) return lens.set(flow, completed);
    const certificate = lens.get(flow);
    const status =
      certificate.path.value === completed.path.value
        ? certificate.status
        : {state: 'empty' as const};
    return lens.set(flow, {...completed, status});
  }
  return undefined;
}
