import { runUnitLane } from './unit-suite';

/** Lane 0 of the unit files (unit-suite.ts says why and how they are shared out). */
runUnitLane(0);
