package com.taobao.api.request;

import java.util.Map;
import com.taobao.api.ApiRuleException;
import com.taobao.api.BaseTaobaoRequest;
import com.taobao.api.internal.util.TaobaoHashMap;
import com.taobao.api.response.DemoCategoryGetResponse;

/**
 * TOP API: taobao.demo.category.get request
 */
public class DemoCategoryGetRequest extends BaseTaobaoRequest<DemoCategoryGetResponse> {
	/** 父类目 */
	private Long parentCid;
	public void setParentCid(Long parentCid) { this.parentCid = parentCid; }
	public String getApiMethodName() { return "taobao.demo.category.get"; }
	public Map<String, String> getTextParams() {
		TaobaoHashMap txtParams = new TaobaoHashMap();
		txtParams.put("parent_cid", this.parentCid);
		return txtParams;
	}
	public Class<DemoCategoryGetResponse> getResponseClass() { return DemoCategoryGetResponse.class; }
	public void check() throws ApiRuleException {
	}
}
