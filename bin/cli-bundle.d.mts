/** The URL of the CLI's bundle, built first when it is missing or older than a file it was built from. */
export function cliBundle(): Promise<string>;
