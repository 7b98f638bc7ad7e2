import { runUnitLane } from './unit-suite';

/** Lane 1 of the unit files (unit-suite.ts says why and how they are shared out). */
runUnitLane(1);
