import { useEffect, useRef } from 'preact/hooks';
import { commandOf, type InboxCommand } from './shortcuts.ts';

/** Runs `onCommand` for the inbox's shortcut keys pressed anywhere on the page (not while typing). */
export function useShortcuts(onCommand: (command: InboxCommand) => void): void {
  const latest = useRef(onCommand);
  latest.current = onCommand;
  useEffect(() => {
    const listener = (event: KeyboardEvent) => {
      if (document.querySelector('dialog[open]')) return;
      const target = event.target instanceof HTMLElement ? event.target : null;
      const command = commandOf({ key: event.key, ctrlKey: event.ctrlKey, metaKey: event.metaKey, altKey: event.altKey, target });
      if (!command) return;
      event.preventDefault();
      latest.current(command);
    };
    document.addEventListener('keydown', listener);
    return () => document.removeEventListener('keydown', listener);
  }, []);
}
