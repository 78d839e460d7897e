// Tests of custodian approvals: CMS over {ceremony id, SHA-512 TBS digest}, refused for another digest/ceremony, duplicates, unknown keys, short quorum.
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { verifyCms } from '../../../src/core/cms/signed-data.js';
import { approvalStatement, assessApproval, checkApprovals, makeApproval, tbsDigest } from '../../../src/core/transcript/index.js';
import type { ApprovalRecord } from '../../../src/core/transcript/index.js';
import { errCode } from '../../helpers/index.js';
import { CEREMONY_ID, QUORUM, getCast } from './ceremony-fixture.js';

const enc = new TextEncoder();
const DIGEST = tbsDigest(enc.encode('the exact to-be-signed bytes'));
const OTHER = tbsDigest(enc.encode('something else'));

function approvalsBy(names: string[], digest = DIGEST, ceremonyId = CEREMONY_ID): ApprovalRecord[] {
  const c = getCast();
  return names.map((n) => {
    const p = c.custodians.find((x) => x.name === n)!;
    return makeApproval({ ceremonyId, digest, custodian: n, signer: p.signer });
  });
}
const opts = () => ({ ceremonyId: CEREMONY_ID, digest: DIGEST, enrolled: getCast().custodians.map((p) => p.key), threshold: QUORUM });

describe('tbsDigest / approvalStatement', () => {
  it('is the hex SHA-512 of the exact bytes', () => {
    const b = enc.encode('tbs');
    expect(tbsDigest(b)).toBe(createHash('sha512').update(b).digest('hex'));
  });
  it('the statement is canonical JSON naming type, ceremony, digest and custodian', () => {
    expect(new TextDecoder().decode(approvalStatement({ ceremonyId: 'c', digest: 'd', custodian: 'x' }))).toBe(
      '{"ceremonyId":"c","custodian":"x","digest":"d","type":"writ-approval/1"}',
    );
  });
});

describe('makeApproval', () => {
  it('is a CMS SignedData over the statement, key-only signer, verifiable with the enrolled key', () => {
    const [a] = approvalsBy(['ana']);
    expect(a!.custodian).toBe('ana');
    expect(a!.keyId).toBe(getCast().custodians[0]!.key.keyId);
    const res = verifyCms(new Uint8Array(Buffer.from(a!.cms, 'base64')), {});
    expect(new TextDecoder().decode(res.content)).toContain(DIGEST);
    expect(res.signers).toHaveLength(1);
    expect(res.signers[0]!.cert).toBeUndefined();
  });
  it('refuses a digest that is not SHA-512 hex', () => {
    const s = getCast().custodians[0]!.signer;
    expect(() => makeApproval({ ceremonyId: CEREMONY_ID, digest: 'abc', custodian: 'ana', signer: s })).toThrow(RangeError);
    expect(() => makeApproval({ ceremonyId: CEREMONY_ID, digest: DIGEST.toUpperCase(), custodian: 'ana', signer: s })).toThrow(RangeError);
    expect(() => makeApproval({ ceremonyId: '', digest: DIGEST, custodian: 'ana', signer: s })).toThrow(TypeError);
  });
});

describe('checkApprovals', () => {
  it('accepts a quorum of distinct enrolled custodians, in order', () => {
    const r = checkApprovals(approvalsBy(['chen', 'ana', 'eli', 'bo']), opts());
    expect(r.custodians).toEqual(['chen', 'ana', 'eli', 'bo']);
    expect(r.keyIds).toHaveLength(4);
  });

  it('accepts enrolled keys given as raw material too', () => {
    const enrolled = getCast().custodians.map((p) => ({ custodian: p.name, alg: p.key.alg, publicKey: new Uint8Array(Buffer.from(p.key.publicKey, 'base64')) }));
    expect(checkApprovals(approvalsBy(['ana', 'bo', 'chen']), { ...opts(), enrolled }).custodians).toEqual(['ana', 'bo', 'chen']);
  });

  it('QUORUM with fewer than the threshold', () => {
    expect(errCode(() => checkApprovals(approvalsBy(['ana', 'bo']), opts()))).toBe('QUORUM');
    expect(errCode(() => checkApprovals([], opts()))).toBe('QUORUM');
  });

  it('APPROVAL_DIGEST for an approval over another digest', () => {
    const list = [...approvalsBy(['ana', 'bo']), ...approvalsBy(['chen'], OTHER)];
    expect(errCode(() => checkApprovals(list, opts()))).toBe('APPROVAL_DIGEST');
  });

  it('APPROVAL_DIGEST for an approval from another ceremony over the same digest', () => {
    const list = [...approvalsBy(['ana', 'bo']), ...approvalsBy(['chen'], DIGEST, 'another-ceremony')];
    expect(errCode(() => checkApprovals(list, opts()))).toBe('APPROVAL_DIGEST');
  });

  it('APPROVAL_DIGEST when the record text is changed but the signed statement is not', () => {
    const [a, b, c] = approvalsBy(['ana', 'bo', 'chen']);
    expect(errCode(() => checkApprovals([a!, b!, { ...c!, digest: OTHER }], opts()))).toBe('APPROVAL_DIGEST');
    // ...and the other way round: a record claiming the right digest around a CMS over another one.
    const [x] = approvalsBy(['chen'], OTHER);
    expect(errCode(() => checkApprovals([a!, b!, { ...x!, digest: DIGEST }], opts()))).toBe('APPROVAL_DIGEST');
  });

  it('APPROVAL_DUPLICATE for the same approval twice, or a second one by the same custodian', () => {
    const [a, b] = approvalsBy(['ana', 'bo']);
    expect(errCode(() => checkApprovals([a!, b!, a!], opts()))).toBe('APPROVAL_DUPLICATE');
    const again = approvalsBy(['ana'])[0]!; // deterministic signer: same bytes; still a duplicate by custodian and key
    expect(errCode(() => checkApprovals([a!, b!, again], opts()))).toBe('APPROVAL_DUPLICATE');
  });

  it('APPROVAL_UNKNOWN_KEY for a key that is not enrolled, even under an enrolled name', () => {
    const c = getCast();
    const forged = makeApproval({ ceremonyId: CEREMONY_ID, digest: DIGEST, custodian: 'ana', signer: c.stranger.signer });
    expect(errCode(() => checkApprovals([forged, ...approvalsBy(['bo', 'chen'])], opts()))).toBe('APPROVAL_UNKNOWN_KEY');
    // The administrator's key is enrolled, but not as a custodian approval key.
    const byAdmin = makeApproval({ ceremonyId: CEREMONY_ID, digest: DIGEST, custodian: c.admin.name, signer: c.admin.signer });
    expect(errCode(() => checkApprovals([byAdmin], { ...opts(), enrolled: [...opts().enrolled, c.admin.key] }))).toBe('APPROVAL_UNKNOWN_KEY');
  });

  it('APPROVAL_UNKNOWN_KEY for a custodian signing in another custodian\'s name', () => {
    const c = getCast();
    const a = makeApproval({ ceremonyId: CEREMONY_ID, digest: DIGEST, custodian: 'bo', signer: c.custodians[0]!.signer });
    expect(errCode(() => checkApprovals([a], opts()))).toBe('APPROVAL_UNKNOWN_KEY');
  });

  it('SIGNATURE for a signature that does not verify, PARSE for a record that is not CMS', () => {
    const [a] = approvalsBy(['ana']);
    const der = new Uint8Array(Buffer.from(a!.cms, 'base64'));
    der[der.length - 10] = der[der.length - 10]! ^ 0x01; // inside the ML-DSA signature value
    const bad = { ...a!, cms: Buffer.from(der).toString('base64') };
    expect(assessApproval(bad, opts(), { custodians: new Set(), keyIds: new Set() })).toMatchObject({ ok: false, code: 'SIGNATURE' });
    expect(errCode(() => checkApprovals([{ ...a!, cms: 'AAAA' }], opts()))).toBe('PARSE');
    expect(errCode(() => checkApprovals([{ ...a!, cms: a!.cms.replace(/=*$/, '') + 'x' }], opts()))).toBe('PARSE');
  });

  it('refuses a non-positive threshold', () => {
    expect(() => checkApprovals([], { ...opts(), threshold: 0 })).toThrow(RangeError);
  });
});
