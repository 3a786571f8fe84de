// Shows an event's times in the visitor's own time zone, beside the event's local times that the
// page already gives, but only when the two differ. Without JavaScript the element stays hidden.
(function () {
  "use strict";
  const language = document.documentElement.lang || undefined;
  const visitorZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const day = { day: "numeric", month: "short", year: "numeric" };
  const clock = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };

  function parts(date, zone) {
    return {
      day: new Intl.DateTimeFormat(language, Object.assign({ timeZone: zone }, day)).format(date),
      time: new Intl.DateTimeFormat(language, Object.assign({ timeZone: zone }, clock)).format(date),
    };
  }

  document.querySelectorAll("[data-local-time]").forEach(function (element) {
    const start = new Date(element.dataset.start);
    const end = new Date(element.dataset.end);
    if (isNaN(start) || isNaN(end) || !visitorZone || visitorZone === element.dataset.zone) return;
    const there = parts(start, element.dataset.zone);
    const here = parts(start, visitorZone);
    const hereEnd = parts(end, visitorZone);
    if (here.day === there.day && here.time === there.time) return; // same wall clock: nothing to add
    const span = here.day === hereEnd.day
      ? here.day + ", " + here.time + "–" + hereEnd.time
      : here.day + " " + here.time + " – " + hereEnd.day + " " + hereEnd.time;
    element.textContent = element.dataset.label + ": " + span + " (" + visitorZone.replace(/_/g, " ") + ")";
    element.hidden = false;
  });
})();
