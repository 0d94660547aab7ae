// The process engine with its util-linux sandbox, bubblewrap hidden from the PATH (see
// process-engine-suite.ts): the same behaviour, stops and USER included.
import { pathWithout } from '../path-without.js';
import { processEngineSuite } from './process-engine-suite.js';

process.env.PATH = pathWithout('bwrap');
processEngineSuite('unshare');
