import { createContext } from 'preact';
import { useContext, useEffect } from 'preact/hooks';

/** What the open request's decision form does when a shortcut asks. */
export interface DecisionCommands {
  readonly approve: () => void;
  /** Focuses the reason; Enter there then rejects (after the confirmation). */
  readonly armReject: () => void;
  readonly editArgs: () => void;
}

/** Where the open decision form registers its commands for the inbox's keyboard shortcuts. */
export type CommandSlot = { current: DecisionCommands | null };

export const InboxCommands = createContext<CommandSlot | null>(null);

/** Registers `commands` for the inbox's shortcuts while the form is shown (outside the inbox: nothing). */
export function useDecisionCommands(commands: DecisionCommands): void {
  const slot = useContext(InboxCommands);
  if (slot) slot.current = commands;
  useEffect(
    () => () => {
      if (slot) slot.current = null;
    },
    [slot],
  );
}
