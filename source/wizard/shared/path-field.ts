import type {SharedEffect, SharedOutcome} from './effect.js';
import {draftOf, emptyDraft} from './text-draft.js';
import type {CertificateField, PathField} from './types.js';

export const emptyPathField: PathField = {path: emptyDraft, candidates: [], moreCandidates: 0};

type PathLens<F> = {get: (flow: F) => PathField; set: (flow: F, field: PathField) => F};
type CertificateLens<F> = {
  certificate: true;
  get: (flow: F) => CertificateField;
  set: (flow: F, field: CertificateField) => F;
};

/** How a flow reaches one of its path fields; `certificate` when the field reads a certificate. */
export type PathFieldLens<F> = PathLens<F> | CertificateLens<F>;

/** The properties of F that hold a V. */
type PropertiesOf<F, V> = {[P in keyof F]-?: F[P] extends V ? P : never}[keyof F];

/** Lenses onto the path fields a flow keeps under properties of its own. */
export function fieldLenses<F>() {
  return {
    path: (key: PropertiesOf<F, PathField>): PathLens<F> => ({
      get: (flow) => flow[key] as PathField,
      set: (flow, field) => ({...flow, [key]: field}),
    }),
    certificate: (key: PropertiesOf<F, CertificateField>): CertificateLens<F> => ({
      certificate: true,
      get: (flow) => flow[key] as CertificateField,
      set: (flow, field) => ({...flow, [key]: field}),
    }),
    /** A field the flow keeps in another shape. */
    other: (get: PathLens<F>['get'], set: PathLens<F>['set']): PathLens<F> => ({get, set}),
  };
}

/** Every path field of a flow by its name: Tab completion and certificate reads address them so. */
export type PathFieldLenses<F, K extends string> = Record<K, PathFieldLens<F>>;

/**
 * The outcome of a certificate read or a Tab completion, in the field it was asked for; undefined for
 * other outcomes. A read lands only while the field still waits for it, a completion only while the path
 * is still the one completed; a certificate field whose path the completion changed forgets what it read.
 */
export function pathFieldResult<F, K extends string, E extends {kind: string}>(
  lenses: PathFieldLenses<F, K>,
  flow: F,
  anyEffect: E | SharedEffect<K>,
  anyOutcome: {kind: string},
): F | undefined {
  // Only the shared effects' outcomes are handled here; a flow's own effects never carry these kinds.
  const effect = anyEffect as SharedEffect<K>;
  const outcome = anyOutcome as SharedOutcome;
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

/** Tab on a path field: completes what is typed there (folders only for a field that names a folder). */
export const completePath = <K extends string>(
  field: K,
  text: string,
  foldersOnly = false,
): SharedEffect<K> => ({kind: 'complete-path', field, text, foldersOnly});

/** A path field as the write-config step opens it: as typed before, or `<cwd>/<id>.config.toml`. */
export function configFileField(field: PathField, cwd: string, id: string): PathField {
  return field.path.value === ''
    ? {...emptyPathField, path: draftOf(`${cwd}/${id}.config.toml`)}
    : field;
}

/** Writing `content` to the path as typed, or undefined when none is typed (see noPathProblem). */
export function writeFileEffect(
  typed: string,
  content: string,
  overwrite: boolean,
): Extract<SharedEffect, {kind: 'write-file'}> | undefined {
  const path = typed.trim();
  return path === '' ? undefined : {kind: 'write-file', path, content, overwrite};
}

export const noPathProblem = 'type the path of the file to write';
