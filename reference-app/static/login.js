// The login page's only script: served from 'self' so the CSP needs no 'unsafe-inline'.
document.getElementById('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const status = document.getElementById('status');
  status.textContent = 'Signing in...';
  // The platform's own routes and login encoding, written into the page by the server.
  const api = document.body.dataset;
  const fields = {
    [api.emailField]: document.getElementById('email').value,
    password: document.getElementById('password').value,
  };
  const form = api.encoding === 'form';
  const body = form ? new URLSearchParams(fields).toString() : JSON.stringify(fields);
  const headers = { 'Content-Type': form ? 'application/x-www-form-urlencoded' : 'application/json' };
  // Session auth: the form's CSRF token goes back in the header the platform reads (its cookie is HttpOnly).
  const csrf = api.csrfField && document.querySelector(`input[name="${api.csrfField}"]`);
  if (csrf) headers[api.csrfHeader] = csrf.value;
  const res = await fetch(api.login, { method: 'POST', headers, body });
  if (!res.ok) {
    const data = await res.json().catch(() => ({}));
    status.textContent = `Sign-in failed: ${data.detail || res.status}`;
    status.dataset.state = 'error';
    return;
  }
  // The session lives in the HttpOnly cookie; the profile route proves the browser sends it.
  const me = await (await fetch(api.me)).json();
  status.textContent = `Signed in as ${me.email} (${me.role})`;
  status.dataset.state = 'signed-in';
});
