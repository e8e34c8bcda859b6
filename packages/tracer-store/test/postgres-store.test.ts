import { describeTraceStore } from './support/store-suite.js';
import { postgres } from './support/engines.js';

describeTraceStore(postgres);
