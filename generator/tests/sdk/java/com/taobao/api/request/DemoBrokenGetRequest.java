package com.taobao.api.request;

import java.util.Map;

/**
 * TOP API: taobao.demo.broken.get request
 */
public class DemoBrokenGetRequest extends BaseTaobaoRequest<DemoBrokenGetResponse> {
	private Long id;
	public String getApiMethodName() {
		return "taobao.demo.broken.get";
	}
	public Map<String, String> getTextParams() {
		TaobaoHashMap txtParams = new TaobaoHashMap();
		txtParams.put("id", this.id)
		return txtParams;
	
}
