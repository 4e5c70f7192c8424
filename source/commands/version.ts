// Imported, not read at run time: the bundle inlines it, so the version holds wherever dist/ is installed.
import packageJson from '../../package.json' with {type: 'json'};

/** The package version. */
export const version: string = packageJson.version;
