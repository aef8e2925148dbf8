/** The harness's: a TCP port free on 127.0.0.1 right now. */
export { freePort } from '../../tools/harness/ports';
