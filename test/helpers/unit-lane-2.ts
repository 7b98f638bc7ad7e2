import { runUnitLane } from './unit-suite';

/** Lane 2 of the unit files (unit-suite.ts says why and how they are shared out). */
runUnitLane(2);
