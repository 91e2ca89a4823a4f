// The demo page: shows the session and logs in and out through the JSON API.
const $ = (id) => document.getElementById(id);

async function api(method, path, body) {
  const res = await fetch(path, {
    method,
    headers: body ? { 'Content-Type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) throw new Error(data?.error ?? `${res.status} ${res.statusText}`);
  return data;
}

function show({ views, user }) {
  $('views').textContent = String(views);
  $('user').textContent = user ? user.name : 'nobody';
  $('login').hidden = Boolean(user);
  $('logout').hidden = !user;
}

function report(error) {
  $('message').textContent = error ? error.message : '';
}

async function refresh() {
  try {
    show(await api('GET', '/api/session'));
    report();
  } catch (error) {
    report(error);
  }
}

$('login').addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    await api('POST', '/api/login', { username: $('username').value });
    $('username').value = '';
    await refresh();
  } catch (error) {
    report(error);
  }
});

$('logout').addEventListener('click', async () => {
  try {
    await api('POST', '/api/logout');
    await refresh();
  } catch (error) {
    report(error);
  }
});

refresh();
