/** True when a DynamoDB write lost its condition: someone else already did (or is doing) the work. */
export function isConditionFailed(error: unknown): boolean {
  return (error as { name?: string } | undefined)?.name === 'ConditionalCheckFailedException';
}
