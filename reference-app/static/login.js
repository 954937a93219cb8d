// The login page's only script: served from 'self' so the CSP needs no 'unsafe-inline'.
document.getElementById('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const status = document.getElementById('status');
  status.textContent = 'Signing in...';
  const body = JSON.stringify({ email: document.getElementById('email').value, password: document.getElementById('password').value });
  const res = await fetch('/api/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
  if (!res.ok) {
    const data = await res.json().catch(() => ({}));
    status.textContent = `Sign-in failed: ${data.detail || res.status}`;
    status.dataset.state = 'error';
    return;
  }
  // The session lives in the HttpOnly cookie; /api/auth/me proves the browser sends it.
  const me = await (await fetch('/api/auth/me')).json();
  status.textContent = `Signed in as ${me.email} (${me.role})`;
  status.dataset.state = 'signed-in';
});
