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
]) {
  document.addEventListener(type, (event) => {
    const item = document.createElement('li');
    item.textContent = `${event.target.id} ${type} ${JSON.stringify(event.detail)}`;
    list.append(item);
    list.scrollTop = list.scrollHeight;
  });
}
