import { flawMatrix } from './matrix-suite.ts';

flawMatrix('drf');
