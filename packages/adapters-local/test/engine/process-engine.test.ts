// The process engine with its bubblewrap sandbox (see process-engine-suite.ts).
import { processEngineSuite } from './process-engine-suite.js';

processEngineSuite('bwrap');
