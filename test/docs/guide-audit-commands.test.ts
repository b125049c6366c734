import t from 'tap';
import { runDocument } from '../helpers/run-doc-blocks.js';

runDocument(t, 'docs/guide-audit.md');
