// The UI font ships with the editor (vite bundles the woff2 files), so text looks and measures the
// same on every machine and never waits for, or falls back to, a system font. Only the weights
// the styles use are imported.
import '@fontsource/inter/400.css';
import '@fontsource/inter/600.css';
import '@fontsource/inter/700.css';
