/**
 * Dead-letter queue → Slack. (Being built: see the failure-handling issue.) Triggered by the DLQ alarm through
 * SNS and by a one-minute schedule; reads the DLQ without removing anything.
 */
export const handler = async (): Promise<{ announced: number }> => ({ announced: 0 });
