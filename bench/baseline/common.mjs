// The minimal Express 5 + express-session app the generated one is compared with: the same
// cookie settings in production (__Host- name, Secure, HttpOnly, SameSite=Lax, trust proxy 1),
// resave: false, saveUninitialized: false, and GET /api/session counting views. Nothing else:
// no security headers, no static files, no store timeouts, no explicit save, no rolling.
// Each <store>.mjs is copied into the generated app's folder and run from there, so it
// resolves the very same installed versions of express, express-session and the store.
import express from 'express';
import session from 'express-session';

export function start(store, { onClose } = {}) {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 1);
  app.use(
    session({
      name: '__Host-sid',
      secret: process.env.SESSION_SECRET,
      store,
      resave: false,
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: 'lax', path: '/', secure: true, maxAge: 1_800_000 },
    }),
  );
  app.get('/api/session', (req, res) => {
    req.session.views = (req.session.views ?? 0) + 1;
    res.json({ views: req.session.views, user: req.session.user ?? null });
  });
  const server = app.listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`baseline listening on ${process.env.PORT}`));
  process.on('SIGTERM', () => server.close(() => Promise.resolve(onClose?.()).finally(() => process.exit(0))));
}
