/** The part of jstat (MIT, no dependencies; it ships no types of its own) that the trend and compare use. */
declare module 'jstat' {
  export const jStat: {
    readonly studentt: {
      /** P(T ≤ x) for Student's t with `dof` degrees of freedom. */
      cdf(x: number, dof: number): number;
    };
    readonly normal: {
      /** P(X ≤ x) for a normal X of this mean and standard deviation. */
      cdf(x: number, mean: number, sd: number): number;
    };
  };
}
