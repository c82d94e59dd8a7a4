// The raised-hands queue on the teacher's console (/teach/<lesson>): replaced by the hands branch,
// which builds raise hand and the WebRTC call (issue 19, item 3). Until then it draws nothing.
export function mountHandsPanel(_section: HTMLElement, _options: { lessonId: string }): void {}
