/** The part of jstat (MIT, no dependencies; it ships no types of its own) that the trend uses. */
declare module 'jstat' {
  export const jStat: {
    readonly studentt: {
      /** P(T ≤ x) for Student's t with `dof` degrees of freedom. */
      cdf(x: number, dof: number): number;
    };
  };
}
