/** Stand-in entry for synth tests when a handler under functions/handlers/ has not been written yet. */
export const handler = async () => undefined;
