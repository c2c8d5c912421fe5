export default async function globalTeardown(): Promise<void> {
  const dynamodb = globalThis.__DYNAMODB__;
  await dynamodb?.stop();
  // The pipes to the child would otherwise keep jest's parent process alive.
  dynamodb?.process.stdout?.destroy();
  dynamodb?.process.stderr?.destroy();
}
