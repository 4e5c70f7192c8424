/** The wizard's flags, for `dps-enroll --help`. */
export const wizardUsage = `Wizard options (dps-enroll with no command opens the wizard)
  --sandbox                  use the local sandbox DPS (the default when nothing else is configured)
  --state-dir DIR            where the sandbox keeps its data (default: $XDG_STATE_HOME/dps-enroll/sandbox)
  --connection-string CS     a DPS service connection string (or DPS_CONNECTION_STRING); enrollments only
  --dps-name NAME            sign in to Azure and use this DPS, with --resource-group and --subscription
  --resource-group NAME      (or AZURE_SUBSCRIPTION_ID for the subscription); DefaultAzureCredential:
  --subscription ID          environment service principal, managed identity, az login
  --device-code              sign in with a code shown in the wizard (for SSH sessions without a browser)
  --tenant ID                the Microsoft Entra tenant to sign in to
`;
