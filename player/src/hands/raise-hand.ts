// The student's raise-hand button on the watch page: replaced by the hands branch, which builds
// raise hand and the WebRTC call (issue 19, item 3). Until then it draws nothing.
export function mountRaiseHand(_div: HTMLElement, _options: { lessonId: string }): void {}
