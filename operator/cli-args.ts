/** What the operator commands share: a usage error that exits 2, and ISO date arguments. */
export function usageFailure(command: string, usage: string): (message: string) => never {
  return (message) => {
    console.error(`npm run ${command}: ${message}\nusage: npm run ${command} -- ${usage}`);
    process.exit(2);
  };
}

/** An `--name` ISO 8601 date or time; undefined when absent, a usage failure when malformed. */
export function parseDateArg(text: string | undefined, name: string, fail: (message: string) => never): Date | undefined {
  if (text === undefined) return undefined;
  const date = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(date.getTime())) fail(`--${name} must be an ISO 8601 date or time, got "${text}"`);
  return date;
}
