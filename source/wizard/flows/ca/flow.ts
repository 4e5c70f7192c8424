import {emptyCertificateField} from '../../shared/certificate-field.js';
import {update, type FlowUpdate, type OpenCa, type SharedOutcome} from '../../shared/effect.js';
import {caFailureAdvice} from '../../shared/failure-text.js';
import {
  backHint,
  exitHint,
  type FlowContext,
  type FlowModule,
  type StepTable,
} from '../../shared/flow.js';
import {
  emptyPathField,
  fieldLenses,
  pathFieldResult,
  type PathFieldLenses,
} from '../../shared/path-field.js';
import type {KeyEvent} from '../../shared/key-event.js';
import {draftOf, emptyDraft} from '../../shared/text-draft.js';
import type {CertificateField, Failure} from '../../shared/types.js';
import type {CaCertificate} from '../../../dps/index.js';
import {
  caInput,
  listAgain,
  shownVerified,
  signRequest,
  startLoop,
  withError,
  withStep,
} from './input.js';
import {initialCaFlow, type CaEffect, type CaField, type CaFlow, type CaOutcome} from './state.js';

/** The CA flow as the router knows it: its steps, opening it, its keys and outcomes. */

type Update = FlowUpdate<CaFlow, CaEffect>;

const waiting = {busy: () => true, hints: () => [exitHint]};

export const caSteps: StepTable<CaFlow> = {
  'needs-arm': {
    hints: (flow) => [
      'Enter group with an uploaded certificate',
      flow.returnTo ? 'Esc group' : 'Esc home',
      exitHint,
    ],
  },
  list: {
    busy: (flow) => flow.certificates.state === 'loading',
    // Leaving a list being read acts at once: on a dropped link it can wait until the request times out.
    escapeActsAtOnce: (flow) => flow.certificates.state === 'loading',
    hints: (flow) => [
      '↑↓ move',
      'Enter choose',
      'r refresh',
      flow.returnTo ? 'Esc group' : 'Esc home',
      exitHint,
    ],
  },
  'add-name': {takesText: true, hints: () => ['Enter continue', backHint, exitHint]},
  'add-file': {
    busy: (flow) => flow.certificateFile.status.state === 'reading',
    takesText: true,
    hints: () => ['Enter continue', 'Tab complete path', backHint, exitHint],
  },
  'add-verified': {hints: () => ['↑↓ choose', 'Enter upload', backHint, exitHint]},
  uploading: waiting,
  // Letters are not split into commands here: r (replace) must be typed on its own.
  'name-exists': {
    takesText: true,
    hints: () => ['Enter use it', 'r replace it', backHint, exitHint],
  },
  generating: waiting,
  prove: {
    busy: (flow) => flow.verificationFile.status.state === 'reading',
    takesText: true,
    hints: () => ['Enter continue', '↑↓ key or file', 'Tab complete path', backHint, exitHint],
  },
  passphrase: {takesText: true, hints: () => ['Enter sign', backHint, exitHint]},
  signing: waiting,
  verifying: waiting,
  'verify-failed': {
    hints: (flow) =>
      flow.failure?.kind === 'not-found'
        ? ['Enter back to the list', exitHint]
        : ['Enter new code and retry', backHint, exitHint],
  },
  verified: {
    hints: (flow) => {
      // Short enough for one 80-column line with all four.
      const hints = [flow.returnTo ? 'Enter back to group' : 'Enter list'];
      if (flow.signedHere && flow.verificationPem) hints.push('s save verification cert');
      return [...hints, 'a az commands', exitHint];
    },
  },
  save: {takesText: true, hints: () => ['Enter continue', 'Tab complete path', backHint, exitHint]},
  commands: {
    hints: () => ['↑↓ scroll', 'Enter/Esc back', exitHint],
    scroll: {
      get: (flow) => flow.commandsScroll,
      set: (flow, commandsScroll) => ({...flow, commandsScroll}),
    },
  },
};

const lens = fieldLenses<CaFlow>();
const fields: PathFieldLenses<CaFlow, CaField> = {
  'ca-certificate': lens.certificate('certificateFile'),
  'ca-verification': lens.certificate('verificationFile'),
  'ca-key': lens.path('privateKeyFile'),
  'ca-save': lens.path('saveFile'),
};

/** CA certificates need the ARM API: unknown while connecting, absent with only a connection string. */
const armAvailable = (context: FlowContext) =>
  context.connection.status !== 'connected' || context.connection.info.armAvailable;

function open(flow: CaFlow, handOff: OpenCa, context: FlowContext): Update {
  switch (handOff.kind) {
    case 'home': {
      // Opened from home, a verified certificate no longer leads back to a group.
      const {returnTo: _r, ...fromHome} = flow;
      if (!armAvailable(context)) return update(withStep(fromHome, 'needs-arm'));
      return listAgain(withStep(fromHome, 'list'));
    }
    case 'for-group':
      return openForGroup(flow, handOff, context);
    case 'files':
      return openWithFiles(flow, handOff, context);
    case 'existing': {
      const fresh = initialCaFlow();
      if (!armAvailable(context)) return update(withStep(fresh, 'needs-arm'));
      // Read the list for the certificate's etag now; its loop starts when the list arrives.
      return listAgain({...fresh, opening: handOff.name});
    }
  }
}

/** The list read for a CA named on opening: its proof-of-possession loop starts, or it is shown verified. */
function openNamed(flow: CaFlow, certificates: CaCertificate[]): Update {
  const {opening: name, ...rest} = flow;
  const listed: CaFlow = {...rest, certificates: {state: 'loaded', certificates}};
  const certificate = certificates.find((candidate) => candidate.name === name);
  if (!certificate) {
    return update(
      withError(withStep(listed, 'list'), `DPS has no CA certificate named ${name} now`),
    );
  }
  if (certificate.isVerified) return update(shownVerified(listed, certificate));
  return startLoop(listed, certificate);
}

/** The loop for one CA certificate the group flow wants to reference; verified, it goes back there. */
function openForGroup(
  flow: CaFlow,
  handOff: Extract<OpenCa, {kind: 'for-group'}>,
  context: FlowContext,
): Update {
  const {slot, name, certificates: groupList} = handOff;
  const fresh: CaFlow = {...initialCaFlow(), returnTo: {slot}};
  if (!armAvailable(context)) return update(withStep(fresh, 'needs-arm'));
  // No name: the group asked to add a CA, so its name comes first (the list it shows is known already).
  if (name === '' && groupList.state === 'loaded') {
    return update(withStep({...fresh, certificates: groupList}, 'add-name'));
  }
  const listed = [groupList, flow.certificates]
    .flatMap((list) => (list.state === 'loaded' ? list.certificates : []))
    .find((certificate) => certificate.name === name);
  if (!listed) return listAgain(fresh);
  const withList: CaFlow = {
    ...fresh,
    certificates: groupList.state === 'loaded' ? groupList : flow.certificates,
  };
  if (listed.isVerified) return update(withStep({...withList, target: listed}, 'verified'));
  return startLoop(withList, listed);
}

/** "Add a CA certificate" with files already chosen (from the test certificates screen). */
function openWithFiles(
  flow: CaFlow,
  handOff: Extract<OpenCa, {kind: 'files'}>,
  context: FlowContext,
): Update {
  const opened: CaFlow = {
    ...initialCaFlow(),
    step: 'add-file',
    name: draftOf(handOff.name),
    certificateFile: {
      ...emptyCertificateField,
      path: draftOf(handOff.certificatePath),
      status: {state: 'reading'},
    },
    privateKeyFile: {...emptyPathField, path: draftOf(handOff.keyPath)},
  };
  if (!armAvailable(context)) {
    // Nothing is read without ARM: the file is kept unread, not shown as read by a task that never runs.
    const unread: CertificateField = {...opened.certificateFile, status: {state: 'empty'}};
    return update(withStep({...opened, certificateFile: unread}, 'needs-arm'));
  }
  // The list tells the name step whether the name is taken; the file is read at once.
  const listing = listAgain(opened);
  return update(listing.flow, ...listing.effects, {
    kind: 'read-certificate',
    field: 'ca-certificate',
    purpose: 'ca',
    path: handOff.certificatePath,
  });
}

function verify(flow: CaFlow, certificatePem: string): Update {
  const target = flow.target;
  if (!target) return update(withStep(flow, 'list'));
  return update(withStep({...flow, verificationPem: certificatePem}, 'verifying'), {
    kind: 'verify-ca-certificate',
    name: target.name,
    etag: target.etag,
    certificatePem,
  });
}

const failureText = (failure: Failure): string => `${failure.message}. ${caFailureAdvice(failure)}`;

/** Where a failed effect leaves the flow: the step that retries it on Enter, with the reason. */
function failedAt(flow: CaFlow, kind: CaEffect['kind'], failure: Failure): CaFlow {
  if (failure.kind === 'needs-arm') return withStep(flow, 'needs-arm');
  switch (kind) {
    case 'upload-ca-certificate':
      return withError(withStep(flow, 'add-verified'), failureText(failure));
    case 'generate-verification-code':
    case 'verify-ca-certificate':
      return {...withStep(flow, 'verify-failed'), failure};
    case 'sign-verification-certificate':
      return withError(withStep(flow, 'prove'), failure.message);
    case 'check-verification-certificate':
      return withError(
        {
          ...withStep(flow, 'prove'),
          verificationFile: {
            ...flow.verificationFile,
            status: {state: 'failed', message: failure.message},
          },
        },
        undefined,
      );
    default:
      return withError(flow, failure.message);
  }
}

const discardTypeAhead = {kind: 'discard-type-ahead'} as const;

function result(flow: CaFlow, effect: CaEffect, outcome: CaOutcome | SharedOutcome): Update {
  const pathField = pathFieldResult(fields, flow, effect, outcome);
  if (pathField) return update(pathField);
  const {failure: _f, ...rest} = flow;
  const settled: CaFlow = rest;
  switch (outcome.kind) {
    case 'ca-certificates-listed':
      if (flow.opening !== undefined) return openNamed(flow, outcome.certificates);
      return update({...flow, certificates: {state: 'loaded', certificates: outcome.certificates}});
    case 'ca-certificates-failed': {
      const {opening: _opening, ...listing} = flow;
      return update({...listing, certificates: {state: 'failed', failure: outcome.failure}});
    }
    case 'uploaded': {
      const uploadedAs =
        effect.kind === 'upload-ca-certificate' && effect.replaceEtag ? 'update' : 'create';
      if (outcome.certificate.isVerified) {
        return update(shownVerified({...settled, uploadedAs}, outcome.certificate));
      }
      const loop = startLoop({...settled, signedHere: false}, outcome.certificate);
      return update({...loop.flow, uploadedAs}, ...loop.effects);
    }
    case 'name-taken':
      // Keys typed while uploading never decide what happens to the certificate already there.
      return update(
        withStep({...settled, existing: outcome.certificate}, 'name-exists'),
        discardTypeAhead,
      );
    case 'code': {
      const target = settled.target && {...settled.target, etag: outcome.etag};
      const coded: CaFlow = withStep(
        {...settled, ...(target ? {target} : {}), verificationCode: outcome.verificationCode},
        'prove',
      );
      if (coded.redo && coded.privateKeyFile.path.value.trim() !== '') {
        return signRequest({...coded, redo: false});
      }
      return update(coded);
    }
    case 'signed':
      return verify({...settled, signedHere: true}, outcome.certificatePem);
    case 'passphrase-required':
      return update(
        withStep({...settled, passphraseAsked: true, passphrase: emptyDraft}, 'passphrase'),
      );
    case 'wrong-passphrase':
      return update(
        withError(withStep({...settled, passphrase: emptyDraft}, 'passphrase'), outcome.message),
        discardTypeAhead,
      );
    case 'key-problem':
      return update(withError(withStep(settled, 'prove'), outcome.message), discardTypeAhead);
    case 'verification-checked': {
      const verificationFile: CertificateField = {
        ...settled.verificationFile,
        status: {state: 'loaded', certificate: outcome.certificate, warningsAccepted: true},
      };
      const checked: CaFlow = {...settled, verificationFile, signedHere: false};
      if (outcome.problem) return update(withError(checked, outcome.problem), discardTypeAhead);
      return verify(checked, outcome.certificate.pem);
    }
    case 'verified': {
      const {verificationCode: _c, ...verified} = settled;
      // The success is seen before any key acts on it: keys typed while verifying are dropped.
      return update(
        withStep(
          {
            ...verified,
            target: outcome.certificate,
            passphrase: emptyDraft,
            passphraseAsked: false,
          },
          'verified',
        ),
        discardTypeAhead,
      );
    }
    case 'code-changed': {
      const {verificationCode: _c, ...changed} = settled;
      return update(
        {
          ...withStep({...changed, target: outcome.certificate}, 'verify-failed'),
          failure: {kind: 'stale-etag', message: outcome.message},
        },
        discardTypeAhead,
      );
    }
    case 'file-written':
      return update(
        withStep({...settled, savedPath: outcome.path, confirmOverwrite: false}, 'verified'),
      );
    case 'file-exists':
      return update(
        withError(
          {...settled, confirmOverwrite: true},
          `${outcome.path} already exists: press Enter again to replace it, or Esc to keep it`,
        ),
      );
    case 'file-failed':
      return update(withError(settled, outcome.message));
    case 'ca-failed':
      return update(failedAt(settled, effect.kind, outcome.failure), discardTypeAhead);
    default:
      // A path field's outcome (handled above) or a failure the router shows on the step.
      return update(flow);
  }
}

/** Opened while connecting, the list learns only at the next key that the connection has no ARM. */
function input(flow: CaFlow, event: KeyEvent, context: FlowContext): Update {
  const current =
    flow.step === 'list' && !armAvailable(context) ? withStep(flow, 'needs-arm') : flow;
  return caInput(current, event);
}

export const caFlow: FlowModule<CaFlow, CaEffect, CaOutcome, OpenCa> = {
  steps: caSteps,
  open,
  input,
  result,
};
