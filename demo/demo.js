// The "After hours" line is closed whenever the page is opened: its hours are one hour that
// starts two hours from now (UTC), set here since a static page cannot know the time.
const afterHours = document.getElementById('after-hours');
if (afterHours) {
  const hour = (offset) =>
    `${String((new Date().getUTCHours() + offset) % 24).padStart(2, '0')}:00`;
  afterHours.setAttribute('hours', `Mo-Su ${hour(2)}-${hour(3)}`);
}

// Shows the voip-* events the page receives, as a site's own analytics or UI code would see them.
const list = document.getElementById('events');
for (const type of [
  'voip-state-change',
  'voip-connected',
  'voip-ended',
  'voip-error',
  'voip-hold',
  'voip-message',
  'voip-message-status',
  'voip-transfer',
  'voip-video',
  'voip-hours',
  'voip-callback-request',
  'voip-callback-sent',
]) {
  document.addEventListener(type, (event) => {
    const item = document.createElement('li');
    item.textContent = `${event.target.id} ${type} ${JSON.stringify(event.detail)}`;
    list.append(item);
    list.scrollTop = list.scrollHeight;
  });
}
