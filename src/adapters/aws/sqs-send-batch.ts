/*
 * SendMessageBatch's limits, apart from the SQS client so that the local runtime's usage meter can count
 * the relay's requests without loading the AWS SDK.
 */

/** Messages one SendMessageBatch request takes at most. */
export const SQS_SEND_BATCH = 10;
/** Bytes one SendMessageBatch request takes at most: its messages' bodies and attributes. */
export const SQS_BATCH_BYTES = 256 * 1024;
