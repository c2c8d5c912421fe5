// Handlers log and emit metrics to stdout; tests assert on behaviour, so keep the output readable.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
