// Turns the long partner and country lists into searchable ones. Without JavaScript the plain
// multiple-choice lists still work.
document.querySelectorAll("input.option-filter").forEach((box) => {
  const select = document.getElementById(box.dataset.filterFor);
  if (!select) return;
  box.hidden = false;
  const fold = (s) => s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  box.addEventListener("input", () => {
    const wanted = fold(box.value.trim());
    for (const option of select.options) {
      option.hidden = wanted !== "" && !option.selected && !fold(option.text).includes(wanted);
    }
  });
});
