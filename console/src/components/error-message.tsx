import { errorText } from '../api/errors.ts';

/** An API error, shown beside the control that caused it; role=alert so screen readers announce it. */
export function ErrorMessage({ error, id }: { error: unknown; id?: string }) {
  if (!error) return null;
  return (
    <p className="error" role="alert" id={id}>
      {errorText(error)}
    </p>
  );
}
