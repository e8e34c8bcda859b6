/** A request the API refuses: its status and a JSON body naming what was wrong. */
export class ApiError extends Error {
  readonly status: number;
  readonly parameter: string | undefined;

  constructor(status: number, message: string, parameter?: string) {
    super(message);
    this.status = status;
    this.parameter = parameter;
  }

  body(): { error: { message: string; parameter?: string } } {
    return { error: { message: this.message, ...(this.parameter === undefined ? {} : { parameter: this.parameter }) } };
  }
}
