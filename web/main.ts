import { render } from 'preact';
import { App } from './app.ts';
import { readAuthConfig } from './auth/config.ts';
import { finishCognitoSignIn } from './auth/cognito.ts';
import { html } from './html.ts';
import './styles.css';

// The page's entry: finish a Cognito sign-in if the hosted UI just sent the browser back, then render.
const config = readAuthConfig(document.body);
async function start(root: HTMLElement): Promise<void> {
  const signInError = config.kind === 'cognito' ? await finishCognitoSignIn(config).catch((error: Error) => `Sign-in failed: ${error.message}`) : null;
  root.textContent = '';
  render(html`<${App} config=${config} initialStatus=${signInError ? { message: signInError, isError: true } : undefined} />`, root);
}

const root = document.getElementById('app');
if (root) void start(root);
