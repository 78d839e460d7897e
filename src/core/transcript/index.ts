// Ceremony transcripts and custodian approvals (DESIGN.md §2): the public surface of src/core/transcript.
export * from './types.js';
export { genesisString, genesisHash, lineHash, parseLine, serializeEntry, assertNoSecrets, enrolKey, enrolledSpki, spkiFingerprint, FORBIDDEN_NAME_PARTS, MNEMONIC_MIN_WORDS } from './chain.js';
export { tbsDigest, approvalStatement, makeApproval, assessApproval, checkApprovals } from './approvals.js';
export type { EnrolledInput, ApprovalCheckOptions, ApprovalVerdict } from './approvals.js';
export { TranscriptWriter, isArtifactPath } from './writer.js';
export type { TranscriptWriterOptions, AppendInput } from './writer.js';
export { verifyTranscript, splitTranscript } from './verify.js';
export type { VerifyTranscriptOptions } from './verify.js';
