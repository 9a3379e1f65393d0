// The H5Web page of `h5archive serve`: H5Web's app on the h5grove API of the
// same server. `?file=/uploads/<u>/archive/<entry>&path=/data/value` opens
// that entry at that dataset.
import '@h5web/app/styles.css';
import { createRoot } from 'react-dom/client';
import { App, H5GroveProvider } from '@h5web/app';

const params = new URLSearchParams(window.location.search);
const file = params.get('file');
const root = createRoot(document.getElementById('root'));

root.render(
  file ? (
    <div style={{ height: '100vh' }}>
      <H5GroveProvider url={window.location.origin} filepath={file}>
        <App initialPath={params.get('path') ?? '/'} />
      </H5GroveProvider>
    </div>
  ) : (
    <p style={{ fontFamily: 'sans-serif', margin: '2em' }}>
      Add <code>?file=/uploads/&lt;upload&gt;/archive/&lt;entry&gt;</code> (or{' '}
      <code>/uploads/&lt;upload&gt;/raw/&lt;path&gt;</code>) and optionally{' '}
      <code>&amp;path=/data/value</code> to the address to open a file.
    </p>
  ),
);
