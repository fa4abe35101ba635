import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './components/App.js';
import { pickBridge } from './bridge/pick-bridge.js';
import { connect } from './state/connect.js';
import './styles.css';

const root = createRoot(document.getElementById('root') as HTMLElement);
const refused = (reason: string) =>
  root.render(
    <main className="loading" role="alert">
      The console refused this page: {reason}. Open the address the console printed at its last start.
    </main>,
  );
const bridge = pickBridge(refused);
if ('error' in bridge) {
  root.render(
    <main className="loading" role="alert">
      {bridge.error}
    </main>,
  );
} else {
  connect(bridge);
  root.render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
