// Time, for the use cases: a port so that tests can set it.
export interface Clock {
  now(): Date;
}
