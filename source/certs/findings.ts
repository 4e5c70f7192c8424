export type Severity = 'error' | 'warning' | 'info';

/** One result of a certificate check: what was found, how bad it is, and how to fix it. */
export type Finding = {
  severity: Severity;
  /** A stable identifier for scripts, e.g. "identity-is-ca". */
  code: string;
  message: string;
  /** What to do about it; absent for findings that need no action. */
  hint?: string;
};

export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((finding) => finding.severity === 'error');
}

/** Findings as "error: ... (fix: ...)" lines for a terminal. */
export function formatFindings(findings: readonly Finding[]): string {
  return findings
    .map(
      (finding) =>
        `${finding.severity.padEnd(7)} ${finding.message}${finding.hint ? `\n        fix: ${finding.hint}` : ''}`,
    )
    .join('\n');
}
