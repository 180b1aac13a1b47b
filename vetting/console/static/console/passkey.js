// After a passkey is registered (django-otp-webauthn's register script fires the event),
// go where the server says: the backup codes after an enrollment, else this page again.
document.addEventListener("otp_webauthn.register_complete", (event) => {
  const response = (event.detail && event.detail.response) || {};
  window.location.assign(response.redirect_url || window.location.href);
});
