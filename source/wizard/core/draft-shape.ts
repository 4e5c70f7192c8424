import type {CaFlow} from '../flows/ca/state.js';
import type {GroupFlow} from '../flows/group/state.js';
import type {IndividualFlow} from '../flows/individual/state.js';
import type {TestCertificatesFlow} from '../flows/test-certificates/state.js';
import type {TestEnrollmentFlow} from '../flows/test-enrollment/state.js';
import type {FlowName} from '../shared/effect.js';

/** What a draft file holds (see draft.ts for what goes in and comes out). */

export const draftVersion = 1;

export type Draft = {
  version: typeof draftVersion;
  /** When it was last written (ISO 8601). */
  savedAt: string;
  /** The DPS it was typed for, as the header describes it: never a connection string or a key. */
  target: string;
  /** Browsing is not typing: a draft made while browsing reopens home. */
  screen: Exclude<FlowName, 'browse'> | 'home';
  individual: IndividualFlow;
  group: GroupFlow;
  ca: CaFlow;
  testCertificates: TestCertificatesFlow;
  /** Older drafts lack it: the test then starts empty. */
  testEnrollment?: TestEnrollmentFlow;
};
