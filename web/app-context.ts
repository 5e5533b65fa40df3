import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Api } from './api/client.ts';
import type { Identity } from './auth/identity.ts';
import type { ConfirmRequest } from './components/confirm-dialog.ts';

/** What every view reaches: the API as the signed-in identity, the status line, and the confirm dialog. */
export interface AppServices {
  readonly api: Api;
  readonly identity: Identity | null;
  /** Shows a message in the status line; errors in red. */
  readonly show: (message: string, isError?: boolean) => void;
  /** Shows `error`'s message as an error (an `ApiError`'s message is the API's). */
  readonly fail: (error: unknown) => void;
  /** Asks before a destructive action; resolves true when confirmed. */
  readonly confirm: (request: ConfirmRequest) => Promise<boolean>;
}

export const AppContext = createContext<AppServices | null>(null);

export function useApp(): AppServices {
  const services = useContext(AppContext);
  if (!services) throw new Error('useApp outside the app');
  return services;
}
