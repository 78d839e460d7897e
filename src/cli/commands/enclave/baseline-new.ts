// `writ enclave baseline new`: writes writ's recommended baseline body (unsigned) to edit and sign.
export { runNew as run } from './baseline.js';
