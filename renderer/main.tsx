import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './components/App.js';
import { pickBridge } from './bridge/pick-bridge.js';
import { connect, linkChanged } from './state/connect.js';
import './styles.css';

// Link events come from the socket's own events, so never before connect() below has run.
const { bridge, mode } = pickBridge(linkChanged);
connect(bridge, mode);
createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
